"""The web UI: a Gradio app built around the same Assistant the CLI uses."""
