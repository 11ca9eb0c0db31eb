"""Stage 4, documents to published files: the runner, warm kernels, batch, the manifest, publishing, the index."""
