"""Reports: the outreach target list, the weekly digest, the anonymised export and rule evaluation.

Reports read what the stages stored; they never crawl, analyse or link.
"""
