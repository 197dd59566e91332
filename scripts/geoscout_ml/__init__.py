"""Training side of geoscout: chip loading, the segmentation network, losses, threshold tuning,
halo measurement and the model card (see models/MODEL_CARD.md). Used by scripts/train.py."""
