"""Staff views of the resource directory, one module per topic (the public navigator is in ``directory.navigator``)."""
