//! Scores leads against ground truth by the rules of targets.md.
