"""The transforms, in the order the pipeline runs them.

Order matters: imports are normalised first so every later transform can spell TensorFlow
through one root alias; version checks every release answers alike go next, so that the code of
their branch is code the other transforms see at its own level; native equivalents and the
table-driven renames then bring every symbol to its TF 2 spelling (they read their input as TF1
code, so they must not see code the structural transforms generate); the structural transforms
(sessions) follow, and resolve `tf.compat.v1.X` and `tf.X` alike; symbols with no TF 2 home are
reported after them, so only what they left is; the v1-behaviour clean-up runs last, when it is
known whether the file still needs graph mode.
"""

from __future__ import annotations

from migrate.transforms.absl_flags import AbslFlags
from migrate.transforms.api_renames import ApiRenames
from migrate.transforms.argument_runs import ArgumentRunsToCallers
from migrate.transforms.base import MigrationTransform
from migrate.transforms.checkpoints import SaverToCheckpoint
from migrate.transforms.compat_imports import CompatImports
from migrate.transforms.contrib_homes import ContribHomes
from migrate.transforms.dataset_methods import DatasetMethods
from migrate.transforms.dimension_values import DimensionValues
from migrate.transforms.eager_programs import EagerPrograms
from migrate.transforms.flags_parse import FlagsParse
from migrate.transforms.keras_optimizer_arguments import KerasOptimizerArguments
from migrate.transforms.keras_saving import KerasSaving
from migrate.transforms.keyword_arguments import KeywordArguments
from migrate.transforms.layer_functions import LayerFunctionsToModules
from migrate.transforms.layers import LayersToKeras
from migrate.transforms.loss_functions import LossFunctions
from migrate.transforms.model_class_fold import ModelClassesFold
from migrate.transforms.model_classes import ModelClasses
from migrate.transforms.native_equivalents import NativeEquivalents
from migrate.transforms.optimizer_objects import OptimizerObjects
from migrate.transforms.queue_pipelines import QueuePipelines
from migrate.transforms.rnn import RNNToKeras
from migrate.transforms.sessions import SessionsToFunctions
from migrate.transforms.slim_import import SlimImport
from migrate.transforms.tutorial_input import TutorialInput
from migrate.transforms.unported_symbols import UnportedSymbols
from migrate.transforms.v1_behavior import V1Behavior
from migrate.transforms.variables import VariablesToModules
from migrate.transforms.version_checks import VersionChecks

ALL_TRANSFORMS: tuple[type[MigrationTransform], ...] = (
    CompatImports,
    VersionChecks,
    QueuePipelines,
    FlagsParse,
    NativeEquivalents,
    LossFunctions,
    AbslFlags,
    SlimImport,
    KeywordArguments,
    ApiRenames,
    DatasetMethods,
    ModelClasses,
    VariablesToModules,
    LayerFunctionsToModules,
    LayersToKeras,
    RNNToKeras,
    SaverToCheckpoint,
    ArgumentRunsToCallers,
    SessionsToFunctions,
    ModelClassesFold,
    EagerPrograms,
    OptimizerObjects,
    KerasOptimizerArguments,
    KerasSaving,
    DimensionValues,
    TutorialInput,
    ContribHomes,
    UnportedSymbols,
    V1Behavior,
)


def by_code() -> dict[str, type[MigrationTransform]]:
    return {transform.CODE: transform for transform in ALL_TRANSFORMS}
