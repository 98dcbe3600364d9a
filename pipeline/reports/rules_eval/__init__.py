"""Rule evaluation for analysts: check rule files, measure them against labels, diff two sets."""
