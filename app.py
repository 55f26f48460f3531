"""Launch the web demo: ``python app.py [--port 8080 ...]`` (same as ``summarize demo``).

Options also come from environment variables (SUMMARIZE_HOST, SUMMARIZE_PORT,
SUMMARIZE_MT_MODEL, SUMMARIZE_SUM_MODEL, ...); see ``python app.py --help``.
Importing this module launches nothing.
"""

from summarize.demo import demo_command

if __name__ == "__main__":
    demo_command(prog_name="app.py")
