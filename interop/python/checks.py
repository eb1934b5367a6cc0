"""A tiny check tally shared by the Python interop scripts."""

import sys
import traceback

import grpc


class Checks(object):
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = []

    def _record(self, label, ok, detail=""):
        if ok:
            self.passed += 1
            print("  ok   %s" % label)
        else:
            self.failed.append(label)
            print("  FAIL %s %s" % (label, detail))
        sys.stdout.flush()
        return ok

    def true(self, label, cond, detail=""):
        return self._record(label, bool(cond), "(got %r)" % (detail,) if detail != "" else "")

    def equal(self, label, got, want):
        return self._record(label, got == want, "got %r, want %r" % (got, want))

    def code(self, label, fn, want_code, want_details=None):
        """Calls fn, which must fail with want_code (and want_details if given).

        Returns the grpc.RpcError, or None when the call did not fail as wanted.
        """
        try:
            result = fn()
        except grpc.RpcError as err:
            ok = err.code() == want_code
            if ok and want_details is not None:
                ok = err.details() == want_details
            self._record(
                label,
                ok,
                "got %s %r, want %s %r" % (err.code(), err.details(), want_code, want_details),
            )
            return err if ok else None
        self._record(label, False, "succeeded with %r, want %s" % (result, want_code))
        return None

    def run(self, label, fn, *args):
        """Runs a group of checks; an unexpected exception fails the group."""
        print("%s:" % label)
        try:
            fn(*args)
        except Exception as err:  # noqa: BLE001 - any failure is a failed check
            traceback.print_exc()
            self._record("%s raised %s" % (label, type(err).__name__), False, str(err))

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, len(self.failed)))
        for label in self.failed:
            print("  failed: %s" % label)
        return 1 if self.failed else 0
