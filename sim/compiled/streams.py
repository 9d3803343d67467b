"""The run's random streams inside compiled code, without numba's slow unboxing.

numba accepts a :class:`numpy.random.Generator` as an argument and draws from it exactly as
numpy does (same bit generator, same algorithms), but unboxing one costs ~20 µs a call (three
``ctypes.cast`` calls), 0.2 ms for the ten streams of a run, each time the compiled loop is
entered. Instead the model passes the address of each stream's ``bitgen_t`` (numpy's C
interface: the state and its ``next_*`` functions, read from the bit generator's capsule, ~1 µs)
and :func:`generator_at` builds numba's generator value from it inside compiled code. The
draws are the same, from the same state: the Python generator continues where the compiled
code left it.
"""

from __future__ import annotations

import ctypes

import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_pointer.restype = ctypes.c_void_p
_get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]

_GENERATOR = types.NumPyRandomGeneratorType("NumPyRandomGeneratorType")
_BIT_GENERATOR = types.NumPyRandomBitGeneratorType("bit_generator")


def addresses(generators: tuple[np.random.Generator, ...]) -> np.ndarray:
    """The ``bitgen_t`` address of each generator (valid while the generators live)."""
    return np.array(
        [_get_pointer(g.bit_generator.capsule, b"BitGenerator") for g in generators],
        dtype=np.uint64,
    )


@intrinsic
def generator_at(typingctx, address):
    """Numba's ``Generator`` for the numpy ``bitgen_t`` at ``address`` (a uint64).

    ``bitgen_t`` is ``{void *state; next_uint64; next_uint32; next_double; next_raw}``
    (numpy/random/bitgen.h). The value has no parent object and no memory to manage.
    """
    sig = _GENERATOR(address)

    def codegen(context, builder, signature, args):
        (addr,) = args
        word = ir.IntType(64)
        table = builder.inttoptr(addr, word.as_pointer())

        def field(k):
            return builder.load(builder.gep(table, [ir.Constant(ir.IntType(32), k)]))

        state = field(0)
        bit = cgutils.create_struct_proxy(_BIT_GENERATOR)(context, builder)
        bit.parent = cgutils.get_null_value(bit.parent.type)
        bit.state_address = state
        bit.state = state
        bit.fnptr_next_uint64 = field(1)
        bit.fnptr_next_uint32 = field(2)
        bit.fnptr_next_double = field(3)
        bit.bit_generator = addr
        gen = cgutils.create_struct_proxy(_GENERATOR)(context, builder)
        gen.bit_generator = bit._getvalue()
        gen.meminfo = cgutils.get_null_value(gen.meminfo.type)
        gen.parent = cgutils.get_null_value(gen.parent.type)
        return gen._getvalue()

    return sig, codegen
