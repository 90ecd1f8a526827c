// Datasets: see issue
