"""The Qt user interface: main window, paged table model, views and dialogs."""
