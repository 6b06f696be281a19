print("reference-server: not yet implemented")
