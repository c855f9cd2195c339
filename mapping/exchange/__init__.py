"""Reading and writing the register in the formats people and tools use: CSV and XLSX
tables, CASE 1.0, SSSOM, Kumu blueprints and Weave's own register JSON."""
