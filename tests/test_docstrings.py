"""The docstrings' ``default=`` values are the signatures' defaults."""

import ast
import inspect
import re

import pytest

import dense_autoencoder

_HEADER = re.compile(r"^(\w[\w ]*)\n-+$", flags=re.MULTILINE)
_PARAMETER = re.compile(r"^(\w+) : .*\bdefault=(.+)$", flags=re.MULTILINE)


def _public_callables():
    """Every public class (its constructor and methods) and function."""
    modules = [dense_autoencoder]
    try:
        import dense_autoencoder.plotting as plotting
    except ImportError:  # the plotting extra is not installed
        pass
    else:
        modules.append(plotting)
    for module in modules:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj, obj
            elif inspect.isclass(obj) and not issubclass(obj, Exception):
                yield name, obj, obj.__init__
                # Inherited methods too (save, for one); not scikit-learn's.
                for method_name, method in inspect.getmembers(obj, inspect.isfunction):
                    ours = method.__module__.startswith("dense_autoencoder")
                    if ours and not method_name.startswith("_"):
                        yield f"{name}.{method_name}", method, method


def _documented_defaults(docstring):
    """Map each parameter of the Parameters section to its ``default=`` text."""
    sections = _HEADER.split(docstring)
    # split gives [preamble, header, body, header, body, ...]
    bodies = dict(zip(sections[1::2], sections[2::2], strict=True))
    return dict(_PARAMETER.findall(bodies.get("Parameters", "")))


CALLABLES = list(_public_callables())


@pytest.mark.parametrize(
    "documented, signed", [c[1:] for c in CALLABLES], ids=[c[0] for c in CALLABLES]
)
def test_documented_defaults_are_the_signature_defaults(documented, signed):
    defaults = _documented_defaults(inspect.getdoc(documented))
    parameters = inspect.signature(signed).parameters
    for name, text in defaults.items():
        assert name in parameters, f"{name} is documented but not a parameter"
        assert ast.literal_eval(text.strip()) == parameters[name].default, (
            f"{name}: the docstring says default={text.strip()}, the signature "
            f"{parameters[name].default!r}"
        )


def test_the_parser_reads_the_defaults_it_checks():
    # A check that finds no defaults would pass on any docstring.
    defaults = _documented_defaults(inspect.getdoc(dense_autoencoder.DenseAutoencoder))
    assert defaults["batch_size"] == "256"
    assert defaults["init"] == '"auto"'
    assert len(defaults) >= 15
