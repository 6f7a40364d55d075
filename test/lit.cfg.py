# lit configuration for kaleido's golden tests. Each .ks file holds its own
# RUN and CHECK lines in comments ('#' starts a Kaleidoscope comment).
import os

import lit.formats

config.name = "kaleido"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".ks", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kaleido_obj_root, "test")

bin_dir = os.path.join(config.kaleido_obj_root, "bin")
scripts = os.path.join(config.kaleido_src_root, "scripts")
config.substitutions.append(("%kaleido", os.path.join(bin_dir, "kaleido")))
config.substitutions.append(("%expect-exit", os.path.join(scripts, "expect-exit")))
config.substitutions.append(("%examples", os.path.join(config.kaleido_src_root, "examples")))
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", "/usr/bin:/bin")])
