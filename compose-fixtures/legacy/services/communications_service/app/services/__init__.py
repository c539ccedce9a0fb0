"""Empty: the business logic never moved out of the routers."""
