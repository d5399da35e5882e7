"""The model: pedigrees, markers, mutation, allele spaces, evidence and Hardy-Weinberg probabilities."""
