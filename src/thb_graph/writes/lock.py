"""The write lock of a store (it lives in ``kg.store.lock``, which backups take too)."""

from __future__ import annotations

from thb_graph.kg.store.lock import exclusive, lock_path_for

__all__ = ["exclusive", "lock_path_for"]
