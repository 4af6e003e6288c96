"""Framework-free analytics maths shared by dashboards, review trends and model monitoring."""
