print("conform: not yet implemented")
