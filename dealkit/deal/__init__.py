"""The deal as data: the cited model, the guarded loader, the review of the documents."""
