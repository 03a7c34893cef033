"""Team views: the only layer that imports pandas. The cache of a store's rows, the frames behind
every table, suppression of small groups, the summary tables, pseudonymous labels and the export."""
