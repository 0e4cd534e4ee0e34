"""The world: WGS84 geodesy, the local ENU frame, earth curvature and the radar horizon."""
