"""Coming with its phase issue; registered now so the layout is complete."""
