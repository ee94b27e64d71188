"""Language models: the public base generator, DP-LoRA fine-tuning, sampling, embeddings."""
