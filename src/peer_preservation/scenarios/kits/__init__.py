"""Kits: parts that several families share (the evaluation task, the servers of exfiltration); not families."""
