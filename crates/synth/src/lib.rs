//! Synthetic georeferenced scenes with ground truth for training and testing geoscout's models.
