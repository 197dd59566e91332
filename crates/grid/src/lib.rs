//! Grid supervision: grid layers, lead assignment, roll-ups, river outfall surveys and the lead ledger.
