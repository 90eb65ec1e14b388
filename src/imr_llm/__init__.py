"""imr_llm: IMR final determination letters as verified data and plain language."""
