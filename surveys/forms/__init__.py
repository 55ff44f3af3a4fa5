"""Forms of the surveys capability, one module per topic (named like the service module that uses
them). Names are imported from their module; nothing is re-exported here."""
