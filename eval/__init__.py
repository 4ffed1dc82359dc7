"""Answer-accuracy evaluation: datasets, metrics, the runner and its reports."""
