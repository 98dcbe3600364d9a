"""Scout's NLP stage: spaCy components that find contact points, languages and indicators."""
