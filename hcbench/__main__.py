"""``python -m hcbench ...``: the same command line as the ``hcbench`` script, from any checkout on PYTHONPATH."""
from hcbench.cli import main

main()
