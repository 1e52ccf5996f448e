"""Language front ends: facts, scopes and call edges from source code."""
