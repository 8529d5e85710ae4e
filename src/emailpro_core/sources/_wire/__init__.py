"""The DNS wire codec and the stub transports that send its queries.

:mod:`.codec` and :mod:`.names` encode queries and decode replies; :mod:`.stub` is
the blocking transport, :mod:`.stubasync` the asynchronous one, with its timeouts
(:mod:`.timers`) and the watcher of its sockets (:mod:`.poll`).
"""
