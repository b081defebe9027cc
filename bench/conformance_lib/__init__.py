"""Run the W3C SPARQL query-evaluation tests through the project's ``/sparql`` endpoint.

``terms`` (RDF terms and the three kinds of answer), ``formats`` (read result files and
endpoint answers), ``compare`` (isomorphism of answers, blank-node aware), ``manifest`` (the
test manifests), ``runner`` (one test through the endpoint) and ``report`` (the tables).
"""
