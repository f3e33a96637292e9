"""Executes a notebook with nbclient in a real Jupyter kernel (this venv's ipykernel), as a user's Run All would.

usage: execute.py <in.ipynb> <out.ipynb> <working dir>
A cell with metadata "interrupt_after": s gets Jupyter's own interrupt (the kernel manager's interrupt_kernel: SIGINT to
the kernel's process group) s seconds after it starts; tag it "raises-exception" so the notebook goes on.
"""
import asyncio
import sys

import nbformat
from nbclient import NotebookClient


def main() -> None:
    source, target, cwd = sys.argv[1:4]
    notebook = nbformat.read(source, as_version=4)
    client: NotebookClient

    def on_cell_execute(cell, cell_index):
        delay = cell.metadata.get("interrupt_after")
        if delay is not None:
            loop = asyncio.get_running_loop()
            loop.call_later(float(delay), lambda: asyncio.ensure_future(client.km.interrupt_kernel()))

    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": cwd}}, on_cell_execute=on_cell_execute)
    try:
        client.execute()
    finally:
        nbformat.write(notebook, target)


if __name__ == "__main__":
    main()
