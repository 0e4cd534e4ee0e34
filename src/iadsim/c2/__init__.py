"""Command and control: threat evaluation, engageability, weapon-target assignment, doctrine."""
