#!/usr/bin/env python3
"""Converts `ss -ltnpH` (iproute2) output into a listeners-trait document: the `ss` importer of
tests/peers_to_trait.py (see there), under its old name.

Usage: tests/ss_to_trait.py [--no-exe] [--owner=first] [FILE4 FILE6]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers_to_trait  # noqa: E402

if __name__ == "__main__":
    sys.exit(peers_to_trait.main(["ss"] + sys.argv[1:]))
