"""The README's promises: its example runs, and CI runs its test command."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(), flags=re.DOTALL)


def _test_command():
    return _blocks("bash")[1].strip()


def test_readme_has_exactly_two_set_up_commands():
    commands = [block.strip() for block in _blocks("bash")]
    assert len(commands) == 2
    assert all(command.startswith("python3 -m venv .venv") for command in commands)
    assert "examples/plot_quickstart.py" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    assert _test_command() in CI_RUN.read_text().splitlines()


@pytest.mark.parametrize(
    "venv, pip, pytest_, completes",
    [(1, 0, 0, False), (0, 1, 0, False), (0, 0, 1, False), (0, 0, 0, True)],
)
def test_ci_stops_where_any_step_of_the_test_command_fails(
    tmp_path, venv, pip, pytest_, completes
):
    # .ci/run's first block, up to the blank line after the test command, run
    # with a python3 that makes a virtual environment of stand-ins: each step
    # exits with the status given.
    ci_lines = CI_RUN.read_text().splitlines()
    end = ci_lines.index("", ci_lines.index(_test_command()))
    (tmp_path / ".ci").mkdir()
    script = tmp_path / ".ci" / "run"
    script.write_text("\n".join([*ci_lines[:end], "echo completed"]) + "\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python3 = bin_dir / "python3"
    python3.write_text(
        "#!/bin/sh\nmkdir -p .venv/bin\n"
        f"printf '#!/bin/sh\\nexit {pip}\\n' > .venv/bin/pip\n"
        f"printf '#!/bin/sh\\nexit {pytest_}\\n' > .venv/bin/python\n"
        f"chmod +x .venv/bin/pip .venv/bin/python\nexit {venv}\n"
    )
    python3.chmod(0o755)
    result = subprocess.run(
        ["bash", str(script)],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert ("completed" in result.stdout) == completes
    assert (result.returncode == 0) == completes


def test_readme_example_runs_and_prints_what_it_says(capsys):
    (example,) = _blocks("python")
    assert len([line for line in example.splitlines() if line.strip()]) == 10
    exec(compile(example, str(README), "exec"), {})
    shape, accuracy = capsys.readouterr().out.split("\n")[:2]
    assert shape == "(5, 16)"
    assert 0.8 < float(accuracy) <= 1.0


def test_the_main_job_prints_reconstruction_error_and_accuracy(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "plot_quickstart.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    figures = dict(
        re.findall(r"^(.*?):\s+([0-9.]+)$", result.stdout, flags=re.MULTILINE)
    )
    assert 0 < float(figures["test reconstruction MSE, DenseAutoencoder(32)"]) < 0.05
    codes_accuracy = "test accuracy, autoencoder codes + logistic regression"
    assert float(figures[codes_accuracy]) >= 0.93
    assert float(figures["test accuracy, LatentClassifier()"]) >= 0.95
    assert len(list((tmp_path / "quickstart_figures").glob("*.png"))) == 4
