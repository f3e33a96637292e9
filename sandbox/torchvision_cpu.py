# Lets PyPI's torchvision import beside the CPU torch of linguacodus's deep image (sandbox/image-profiles.ts).
# PyPI's x86_64 torchvision is built against PyPI's CUDA torch: its C++ ops library (_C.so) links
# libtorch_cuda.so, so it does not load here, and torchvision then registers fake kernels for two ops that
# library would have defined, which raises "operator torchvision::nms does not exist". Defining those two
# schemas first lets the import finish: transforms, models and datasets work (timm with them); the C++ ops
# (nms, roi_align, deform_conv2d, ...) raise torchvision's own "Couldn't load custom C++ ops" when called.
# Done on the first import of torchvision, not at every interpreter start (torch takes seconds to import).
import sys

_libraries = []  # a torch.library.Library drops its definitions when collected


class _DefineTorchvisionOps:
    def find_spec(self, name, path=None, target=None):
        if name != "torchvision":
            return None
        sys.meta_path.remove(self)
        import torch

        library = torch.library.Library("torchvision", "DEF")
        for op in ("nms", "qnms"):
            library.define(op + "(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        _libraries.append(library)
        return None  # the ordinary finders load torchvision itself


sys.meta_path.insert(0, _DefineTorchvisionOps())
