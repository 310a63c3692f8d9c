"""Synthetic raters: embedders, preference models, rater profiles and populations.

    space = fit_space(DescriptorEmbedder(), corpus, generator.mel)      # embed once
    population = build_population(config, space, n_raters=500, seed=0)
    ratings = population.rate(generator.sample(10))                    # what the loop sees
    truth = ground_truth(population).utility(...)                       # what only metrics see

simulators/ depends on hcbench/, never the reverse.
"""
from simulators.population import (
    GroundTruth, Population, PopulationConfig, Ratings, build_population, ground_truth, profile_counts,
)
from simulators.profiles import Profile
from simulators.space import EmbeddingSpace, SpaceConfig, Songs, fit_space

__all__ = [
    "EmbeddingSpace", "GroundTruth", "Population", "PopulationConfig", "Profile", "Ratings", "SpaceConfig", "Songs",
    "build_population", "fit_space", "ground_truth", "profile_counts",
]
