"""checks.py - the ok/FAIL lines of the python tests (tests/cli/*.py,
tests/schema/validate.py): check(name, cond, detail) prints "ok   name", or
"FAIL name" and the detail (cut at 3,000 characters), counts the failures in
check.fails and returns cond. A script imports it with its own directory's
parent on sys.path:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from checks import Checks
    check = Checks()
and ends with sys.exit(1 if check.fails else 0)."""


class Checks:
    def __init__(self):
        self.fails = 0

    def __call__(self, name, cond, detail=""):
        if cond:
            print("ok   " + name)
        else:
            self.fails += 1
            print("FAIL " + name)
            if detail:
                print("     " + str(detail)[:3000])
        return cond
