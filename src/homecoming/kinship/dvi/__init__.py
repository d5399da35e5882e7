"""Disaster victim identification: pairwise LRs, family option tables, joint assignments, direct matches."""
