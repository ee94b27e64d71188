"""dp-instructions: differentially private synthetic instructions for LLM alignment."""

__version__ = "0.1.0"
