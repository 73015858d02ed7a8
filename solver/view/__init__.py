"""The HTML view of a plan: `runcal show`, and `--html` on plan, whatif and replan.

Built from plan files only (read by the independent reader, solver/check.py), so it draws any
.ics runcal wrote, also after re-plans. One self-contained page: inline CSS and SVG, no script
and no network. Modules: ceilings (the R6/R11 limits from the plan's numbers), weeks (the plan
as week rows and series), diff (a re-plan compared with the plan before), charts (SVG geometry),
page (the Jinja2 templates put together). Imported only by the commands that draw, so
`runcal plan` without --html starts no slower.
"""
