"""Executes a notebook with nbclient in a real Jupyter kernel (this venv's ipykernel), as a user's Run All would.

usage: execute.py <in.ipynb> <out.ipynb> <working dir>
A cell with metadata "interrupt_when": <path> gets Jupyter's own interrupt (the kernel manager's interrupt_kernel: SIGINT
to the kernel's process group) once that file exists (the test writes it when what the cell does is under way; waited for
up to 10 minutes); the file is removed once the interrupt is sent. Tag the cell "raises-exception" so the notebook goes on.
"""
import asyncio
import os
import sys

import nbformat
from nbclient import NotebookClient


def main() -> None:
    source, target, cwd = sys.argv[1:4]
    notebook = nbformat.read(source, as_version=4)
    client: NotebookClient

    async def interrupt_when(marker):
        for _ in range(6000):
            if os.path.exists(marker):
                break
            await asyncio.sleep(0.1)
        await client.km.interrupt_kernel()
        if os.path.exists(marker):
            os.remove(marker)

    def on_cell_execute(cell, cell_index):
        marker = cell.metadata.get("interrupt_when")
        if marker is not None:
            asyncio.ensure_future(interrupt_when(marker))

    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": cwd}}, on_cell_execute=on_cell_execute)
    try:
        client.execute()
    finally:
        nbformat.write(notebook, target)


if __name__ == "__main__":
    main()
