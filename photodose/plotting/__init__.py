"""Figures of results (presentation): matplotlib with the Agg backend, imported only when a
figure is drawn, so `import photodose` stays light.

`photodose.plotting.accessor` registers `result.photodose` on xarray Datasets:
`result.photodose.plot("f.png")`, `result.photodose.fluence_at_depth(z_mm, radius_mm)`.
"""
