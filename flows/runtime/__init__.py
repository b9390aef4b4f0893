"""Runtime machinery the pipeline graph runs on: Prefect's temporary API server, task runners,
the pool of NLP worker processes and a background-thread helper. The graph (`flows.pipeline`)
imports these; it reads without them."""
