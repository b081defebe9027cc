"""`python -m thb_graph` runs the command line."""

from thb_graph.cli import main

if __name__ == "__main__":
    main()
