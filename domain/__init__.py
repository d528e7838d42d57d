"""The BranchLedger domain core: record kinds, their schemas and the rules that judge them.

This package imports neither Qt nor any server framework. The desktop client, the head-office
server and the PDF renderer all import it, so a rule decided here is decided the same way
everywhere.
"""
