"""The registry of service posts: society service stations, expert workstations, 科技小院, bases."""
