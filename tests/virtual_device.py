"""A stand-in accelerator for CPU-only machines: device bugs fail here as they would on CUDA.

Inside ``virtual_device()`` there is a device ``vdev`` (PyTorch's PrivateUse1 backend,
registered from Python). A tensor on it is a wrapper that reports ``device == vdev:0``
and holds real CPU data, so a whole generate / train / resume path runs with real
numbers; every op goes through a dispatch mode that enforces the device rules CUDA has:

* an op may not mix a vdev tensor with a CPU tensor, except a 0-dim CPU tensor (a
  scalar) and CPU index tensors of an indexing op (both allowed on CUDA);
* factories (``torch.randn(..., device=...)``) and ``.to(device)`` / ``.cpu()`` move data;
  ``copy_`` may cross devices;
* a random op on vdev may not take a CPU ``torch.Generator``;
* ``.numpy()`` of a vdev tensor fails (it has no CPU storage), so ``.cpu()`` is needed;
* ``torch.save`` keeps the device and ``torch.load`` restores it unless ``map_location``
  says cpu: what a checkpoint written on a GPU does.

It is not CUDA: kernels, dtypes, memory and speed are the CPU's. It checks where
tensors live, which is what code written and tested on CPU gets wrong.
"""
from __future__ import annotations

import contextlib
import functools

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten, tree_map

NAME = "vdev"


class DeviceMixError(RuntimeError):
    """What CUDA raises as 'Expected all tensors to be on the same device'."""


def register() -> torch.device:
    """Register the backend; must run before the process's first backward pass (the autograd engine
    sizes its per-device queues then), so tests/conftest.py calls it at import."""
    if torch._C._get_privateuse1_backend_name() != NAME:
        from torch.utils.backend_registration import _setup_privateuseone_for_python_backend

        _setup_privateuseone_for_python_backend(NAME)
    return torch.device(NAME, 0)


class VTensor(torch.Tensor):
    """A tensor on the virtual device: CPU data in ``elem``, ``device`` vdev:0."""

    elem: torch.Tensor

    @staticmethod
    def __new__(cls, elem: torch.Tensor):
        wrapper = torch.Tensor._make_wrapper_subclass(
            cls, elem.shape, strides=elem.stride(), storage_offset=elem.storage_offset(), dtype=elem.dtype,
            layout=elem.layout, device=torch.device(NAME, 0), requires_grad=elem.requires_grad)
        wrapper.elem = elem
        return wrapper

    def __repr__(self) -> str:
        return f"VTensor({self.elem!r})"

    def __tensor_flatten__(self):  # a traceable wrapper: serialisers look at ``elem``'s storage
        return ["elem"], None

    @staticmethod
    def __tensor_unflatten__(inner, meta, outer_size, outer_stride):
        return VTensor(inner["elem"])

    def untyped_storage(self):  # identity of shared weights, for safetensors' shared-tensor check
        return self.elem.untyped_storage()

    def __reduce_ex__(self, protocol):  # torch.save: keep the device, as a CUDA tensor's pickle does
        return _rebuild, (self.elem.detach().clone(), self.requires_grad)

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        raise DeviceMixError(f"{func} on a virtual-device tensor outside virtual_device()")


def _rebuild(elem: torch.Tensor, requires_grad: bool) -> VTensor:
    return VTensor(elem.requires_grad_(requires_grad))


def _is_v(device) -> bool:
    return device is not None and torch.device(device).type == NAME


_INDEXING = {"index", "index_put", "index_put_", "_index_put_impl", "_index_put_impl_"}
_CROSS_DEVICE = {"copy_", "_copy_from", "_copy_from_and_resize", "_to_copy", "to"}


class _Mode(TorchDispatchMode):
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        name = func._schema.name.split("::")[-1]
        target = kwargs.get("device")
        flat, _ = tree_flatten((args, kwargs))
        on_v = [t for t in flat if isinstance(t, VTensor)]
        generators = [g for g in flat if isinstance(g, torch.Generator)]
        if name == "copy_":  # dst.copy_(src): crosses devices, keeps dst where it is
            dst, src = args[0], args[1]
            _unwrap(dst).copy_(_unwrap(src), *args[2:], **kwargs)
            return dst
        if name not in _CROSS_DEVICE:
            self._check(func, name, args, flat, on_v, generators, target)
        plain_args, plain_kwargs = tree_map(_unwrap, args), tree_map(_unwrap, kwargs)
        if "device" in plain_kwargs and _is_v(target):
            plain_kwargs["device"] = torch.device("cpu")
        out = func(*plain_args, **plain_kwargs)
        to_v = _is_v(target) if "device" in kwargs else bool(on_v)
        if func._schema.is_mutable and args and isinstance(args[0], torch.Tensor) and name.endswith("_"):
            return args[0]  # in place: the same tensor object
        return tree_map(lambda t: VTensor(t) if to_v and isinstance(t, torch.Tensor) and not isinstance(t, VTensor)
                        else t, out)

    @staticmethod
    def _check(func, name, args, flat, on_v, generators, target) -> None:
        lands_on_v = _is_v(target) if target is not None else bool(on_v)
        for generator in generators:
            if lands_on_v and generator.device.type != NAME:
                raise DeviceMixError(f"{func}: a {generator.device.type} torch.Generator for a tensor on {NAME} "
                                     "(CUDA: 'Expected a 'cuda' device type for generator')")
        if not on_v:
            return
        indices = set()
        if name in _INDEXING and len(args) > 1:  # CUDA indexes a device tensor with CPU indices
            indices = {id(t) for t in tree_flatten(args[1])[0] if isinstance(t, torch.Tensor)}
        cpu = [t for t in flat if isinstance(t, torch.Tensor) and not isinstance(t, VTensor)
               and t.dim() > 0 and id(t) not in indices]
        if cpu:
            raise DeviceMixError(f"{func}: tensors on {NAME}:0 and cpu (shape {tuple(cpu[0].shape)}) in one op "
                                 "(CUDA: 'Expected all tensors to be on the same device')")


def _unwrap(t):
    return t.elem if isinstance(t, VTensor) else t


def _load_with_device(load):
    """torch.load: what was saved on the device comes back there, unless map_location moves it to the CPU."""

    @functools.wraps(load)
    def wrapped(*args, map_location=None, **kwargs):
        payload = load(*args, map_location=map_location, **kwargs)
        if map_location is None or _is_v(map_location):
            return payload
        if isinstance(map_location, (str, torch.device)) and torch.device(map_location).type == "cpu":
            return tree_map(lambda t: t.elem if isinstance(t, VTensor) else t, payload)
        raise NotImplementedError(f"virtual_device: map_location={map_location!r}")

    return wrapped


@contextlib.contextmanager
def virtual_device():
    """Yield the device name to pass as ``device=``; inside, device rules are checked as on CUDA."""
    device = register()
    load = torch.load
    torch.load = _load_with_device(load)
    try:
        with _Mode():
            yield str(device)
    finally:
        torch.load = load
