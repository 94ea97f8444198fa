"""The headless commands behind ``vendor-console export`` and ``vendor-console lookup``.

:mod:`console.cli` parses the arguments and turns every way a command ends into an exit code;
each module here is one command (:mod:`.export`, :mod:`.lookup`), :mod:`.report` is what they say on
standard error, :mod:`.demo` starts the demo workspace for ``--demo``.
"""
